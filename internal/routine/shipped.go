package routine

// The routines shipped with the hub, by key: their definitions are data,
// in migrations/022_routines.sql. A förbund without a routine of its own
// runs samverkan, the common lifecycle after Landskrona's routine S0–S8;
// fms is Lysekil's process map (preparation and six steps, inclusion and
// closure decided in the basgrupp), a template a förbund may adopt (the
// demo's Höglandet does).
const (
	KeySamverkan = "samverkan"
	KeyFMS       = "fms"
)

// The states of samverkan (DESIGN.md's vocabulary).
const (
	Identifierad      = "IDENTIFIERAD"
	Screenad          = "SCREENAD"
	Kartlaggning      = "KARTLAGGNING"
	Samtycke          = "SAMTYCKE"
	Underlag          = "UNDERLAG"
	GemensamPlanering = "GEMENSAM_PLANERING"
	VagVald           = "VAG_VALD"
	Vantar            = "VANTAR"
	Uppfoljning       = "UPPFOLJNING"
	Avslutad          = "AVSLUTAD"
)

// The states of FMS.
const (
	FMSForarbete   = "FORARBETE"
	FMSBedomning   = "BEDOMNING"
	FMSInkluderad  = "INKLUDERAD"
	FMSUnderlag    = "UNDERLAG"
	FMSUtredning   = "UTREDNING"
	FMSInsats      = "INSATS"
	FMSUtvardering = "UTVARDERING"
	FMSAvslutad    = "AVSLUTAD"
)

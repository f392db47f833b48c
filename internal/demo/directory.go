package demo

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/directory"
)

type demoEntry struct {
	key, orgKey, unitKey string
	name, description    string
	topics, lead         []string
	groups               []string
	municipalities       []string
	national             bool
	visibility           directory.Visibility
	answer               string
	fallback             string // key of the fallback entry
	roles                []string
	reviewed             string // date of the last review; "" = at seeding
	channels             []directory.Channel
}

func weekdays(from, to string, days ...int) []directory.Hours {
	var hs []directory.Hours
	for _, d := range days {
		hs = append(hs, directory.Hours{Day: d, From: from, To: to})
	}
	return hs
}

// directoryEntries are drawn from the source reports: FK's coordination for
// people without SGI, AF's central address for consent forms and its
// arbetslivsinriktad rehabilitering, rehabkoordinatorer as the way into the
// vårdcentral, psykiatri's contact, ekonomiskt bistånd's functional
// mailboxes, the förbund's insatser. Phone numbers and addresses are demo
// values.
var directoryEntries = []demoEntry{
	{key: "fk-nationell", orgKey: "fk", name: "Försäkringskassan, samverkanspartner (nationellt)",
		description: "Försäkringskassans ingång för myndigheter och vården när den lokala funktionen inte svarar.",
		topics:      []string{"SAMORDNAD_REHABILITERING", "SJUKERSATTNING", "AKTIVITETSERSATTNING", "SJUKSKRIVNING", "MEDICINSKT_UNDERLAG"},
		national:    true, visibility: directory.Public, answer: "samma dag", roles: []string{"PERSONLIG_HANDLAGGARE"},
		channels: []directory.Channel{{Kind: directory.Phone, Value: "0771-524 524", Note: "samverkanspartner", OpeningHours: weekdays("08:00", "16:00", 1, 2, 3, 4, 5), Visibility: directory.Public}}},
	{key: "fk-samspelet", orgKey: "fk", unitKey: "karlstad", name: "Samordning av rehabilitering för personer utan SGI",
		description: "Personliga handläggare som samordnar rehabilitering för nollplacerade i Samspelets kommuner.",
		topics:      []string{"SAMORDNAD_REHABILITERING", "SJUKERSATTNING", "AKTIVITETSERSATTNING", "GEMENSAM_KARTLAGGNING", "SIP"},
		lead:        []string{"SAMORDNAD_REHABILITERING", "SJUKERSATTNING", "AKTIVITETSERSATTNING"},
		groups:      []string{"nollplacerade", "unga vuxna"}, municipalities: samspelet, visibility: directory.Federation,
		answer: "inom två arbetsdagar", fallback: "fk-nationell", roles: []string{"PERSONLIG_HANDLAGGARE", "TEAMKOORDINATOR"},
		channels: []directory.Channel{
			{Kind: directory.Phone, Value: "010-116 10 00", Note: "telefontid", OpeningHours: weekdays("09:00", "11:30", 2, 4), Visibility: directory.Federation},
			{Kind: directory.SecureMessage, Value: "Försäkringskassan, samordningsteam Värmland", Visibility: directory.Federation},
			{Kind: directory.OnSite, Value: "Personlig handläggare på plats hos Ekonomiskt bistånd Karlstad", Note: "tisdagar 9–12", OpeningHours: weekdays("09:00", "12:00", 2), Visibility: directory.Federation},
		}},
	{key: "fk-hoglandet", orgKey: "fk", unitKey: "jonkoping", name: "Samordning av rehabilitering, Höglandet",
		description: "Personliga handläggare för samordnad rehabilitering i Höglandets kommuner.",
		topics:      []string{"SAMORDNAD_REHABILITERING", "SJUKERSATTNING", "GEMENSAM_KARTLAGGNING"},
		lead:        []string{"SAMORDNAD_REHABILITERING", "SJUKERSATTNING"}, groups: []string{"nollplacerade"},
		municipalities: hoglandet, visibility: directory.Federation, answer: "inom två arbetsdagar", fallback: "fk-nationell",
		roles:    []string{"PERSONLIG_HANDLAGGARE"},
		channels: []directory.Channel{{Kind: directory.Phone, Value: "010-116 20 00", Note: "telefontid", OpeningHours: weekdays("09:00", "11:00", 1, 3), Visibility: directory.Federation}}},
	{key: "af-samtycke", orgKey: "af", name: "Arbetsförmedlingen, samtyckesblanketter (central adress)",
		description: "Undertecknade samtycken skickas till Arbetsförmedlingens centrala adress, inte till handläggaren.",
		topics:      []string{"SAMTYCKE_BLANKETT"}, lead: []string{"SAMTYCKE_BLANKETT"}, national: true, visibility: directory.Public,
		channels: []directory.Channel{{Kind: directory.VisitingAddress, Value: "Arbetsförmedlingen, Samtycken, Box 100, 831 00 Östersund", Visibility: directory.Public}}},
	{key: "af-samspelet", orgKey: "af", unitKey: "karlstad", name: "Arbetslivsinriktad rehabilitering, Arbetsförmedlingen Karlstad",
		topics:         []string{"ARBETSLIVSINRIKTAD_REHABILITERING", "AF_INSKRIVNING", "GEMENSAM_KARTLAGGNING", "SAMORDNAD_REHABILITERING", "SIP"}, // SIP: Samspelet's SAMSIP includes AF
		lead:           []string{"ARBETSLIVSINRIKTAD_REHABILITERING", "AF_INSKRIVNING"},
		municipalities: samspelet, visibility: directory.Federation, answer: "inom fem arbetsdagar", roles: []string{"AF_HANDLAGGARE"},
		channels: []directory.Channel{{Kind: directory.Funktionsbrevlada, Value: "rehab.karlstad@arbetsformedlingen.example", Visibility: directory.Federation}}},
	{key: "vc-gripen", orgKey: "region-varmland", unitKey: "vc-gripen", name: "Rehabkoordinator, Vårdcentralen Gripen",
		description: "Vägen in till vårdcentralen för frågor om sjukskrivning och rehabilitering.",
		topics:      []string{"SJUKSKRIVNING", "MEDICINSKT_UNDERLAG", "SAMORDNAD_REHABILITERING", "SIP"},
		lead:        []string{"SJUKSKRIVNING", "MEDICINSKT_UNDERLAG"}, municipalities: []string{"1780"},
		visibility: directory.Federation, roles: []string{"REHABKOORDINATOR"},
		channels: []directory.Channel{{Kind: directory.Phone, Value: "054-61 40 00", OpeningHours: weekdays("08:00", "12:00", 1, 2, 3, 4, 5), Visibility: directory.Federation}}},
	{key: "rv-rehab", orgKey: "region-varmland", name: "Region Värmland, rehabiliteringsstöd (länsövergripande)",
		topics: []string{"SAMORDNAD_REHABILITERING", "SIP"}, municipalities: varmland, visibility: directory.Public,
		reviewed: "2025-01-15",
		channels: []directory.Channel{{Kind: directory.Phone, Value: "054-61 50 00", OpeningHours: weekdays("09:00", "15:00", 1, 2, 3, 4), Visibility: directory.Public}}},
	{key: "psyk-karlstad", orgKey: "region-varmland", unitKey: "psyk-karlstad", name: "Psykiatrin, samverkanskontakt Karlstad",
		topics: []string{"PSYKIATRI", "SIP"}, lead: []string{"PSYKIATRI"}, municipalities: samspelet, visibility: directory.Federation,
		channels: []directory.Channel{{Kind: directory.Phone, Value: "054-61 60 00", OpeningHours: weekdays("08:30", "10:00", 1, 2, 3, 4, 5), Visibility: directory.Federation}}},
	{key: "eb-karlstad", orgKey: "karlstad", unitKey: "eb", name: "Ekonomiskt bistånd, funktionsbrevlåda (dagansvar)",
		topics: []string{"EKONOMISKT_BISTAND"}, lead: []string{"EKONOMISKT_BISTAND"}, municipalities: []string{"1780"}, visibility: directory.Public,
		answer: "samma dag", roles: []string{"SOCIALSEKRETERARE"},
		channels: []directory.Channel{{Kind: directory.Funktionsbrevlada, Value: "ekonomisktbistand@karlstad.example", Note: "dagansvarig läser", Visibility: directory.Public}}},
	{key: "karlstad-internt", orgKey: "karlstad", unitKey: "samverkan", name: "Samverkanskoordinator, intern rådgivning",
		description: "Karlstads interna stöd till socialsekreterare i samverkansärenden.",
		topics:      []string{"SAMORDNAD_REHABILITERING", "SIP"}, municipalities: []string{"1780"}, visibility: directory.Organisation,
		channels: []directory.Channel{{Kind: directory.Phone, Value: "054-540 00 00", Visibility: directory.Organisation}}},
	{key: "eb-eksjo", orgKey: "eksjo", unitKey: "eb", name: "Ekonomiskt bistånd Eksjö, funktionsbrevlåda",
		topics: []string{"EKONOMISKT_BISTAND"}, lead: []string{"EKONOMISKT_BISTAND"}, municipalities: []string{"0686"}, visibility: directory.Public,
		channels: []directory.Channel{{Kind: directory.Funktionsbrevlada, Value: "ekonomisktbistand@eksjo.example", Visibility: directory.Public}}},
	{key: "vc-eksjo", orgKey: "region-jonkoping", unitKey: "vc-eksjo", name: "Rehabkoordinator, Vårdcentralen Eksjö",
		topics: []string{"SJUKSKRIVNING", "SAMORDNAD_REHABILITERING"}, lead: []string{"SJUKSKRIVNING"}, municipalities: []string{"0686"},
		visibility: directory.Federation,
		channels:   []directory.Channel{{Kind: directory.Phone, Value: "0381-350 00", OpeningHours: weekdays("08:00", "11:00", 1, 2, 3, 4, 5), Visibility: directory.Federation}}},
	{key: "samspelet-insatser", orgKey: "samspelet", unitKey: "kansli", name: "Samspelets insatser",
		description: "Förbundets finansierade insatser för personer långt från arbetsmarknaden.",
		topics:      []string{"FORBUNDETS_INSATSER"}, lead: []string{"FORBUNDETS_INSATSER"}, municipalities: samspelet, visibility: directory.Federation,
		channels: []directory.Channel{{Kind: directory.Funktionsbrevlada, Value: "kansli@samspelet.example", Visibility: directory.Federation}}},
}

// loadDirectory writes the demo directory; entries reviewed "at seeding"
// get the seeding time.
func loadDirectory(ctx context.Context, tx pgx.Tx) error {
	now := time.Now()
	for _, d := range directoryEntries {
		e := directory.Entry{
			ID: ID("entry/" + d.key), OrgID: ID("org/" + d.orgKey), FunctionName: d.name, Description: d.description,
			Topics: d.topics, LeadTopics: d.lead, TargetGroups: d.groups, MunicipalityCodes: d.municipalities,
			National: d.national, Visibility: d.visibility, StaffedByRoles: d.roles, ReviewedAt: now, ReviewedBy: "demo-seed",
		}
		if d.unitKey != "" {
			u := ID("unit/" + d.orgKey + "/" + d.unitKey)
			e.UnitID = &u
		}
		if d.answer != "" {
			e.ExpectedAnswer = &d.answer
		}
		if d.fallback != "" {
			f := ID("entry/" + d.fallback)
			e.FallbackEntryID = &f
		}
		if d.reviewed != "" {
			t, err := time.Parse(time.DateOnly, d.reviewed)
			if err != nil {
				return err
			}
			e.ReviewedAt = t
		}
		if err := directory.EnsureEntry(ctx, tx, e, d.channels); err != nil {
			return err
		}
	}
	return nil
}

package demo

import "github.com/samverkanshub/hub/internal/tenancy"

type county struct {
	code, name     string
	municipalities [][2]string // kommunkod, name
}

// counties holds the two demo counties with all their municipalities (SCB
// kommunkoder).
var counties = []county{
	{"17", "Värmlands län", [][2]string{
		{"1715", "Kil"}, {"1730", "Eda"}, {"1737", "Torsby"}, {"1760", "Storfors"},
		{"1761", "Hammarö"}, {"1762", "Munkfors"}, {"1763", "Forshaga"}, {"1764", "Grums"},
		{"1765", "Årjäng"}, {"1766", "Sunne"}, {"1780", "Karlstad"}, {"1781", "Kristinehamn"},
		{"1782", "Filipstad"}, {"1783", "Hagfors"}, {"1784", "Arvika"}, {"1785", "Säffle"},
	}},
	{"06", "Jönköpings län", [][2]string{
		{"0604", "Aneby"}, {"0617", "Gnosjö"}, {"0642", "Mullsjö"}, {"0643", "Habo"},
		{"0662", "Gislaved"}, {"0665", "Vaggeryd"}, {"0680", "Jönköping"}, {"0682", "Nässjö"},
		{"0683", "Värnamo"}, {"0684", "Sävsjö"}, {"0685", "Vetlanda"}, {"0686", "Eksjö"},
		{"0687", "Tranås"},
	}},
}

var (
	varmland  = []string{"1715", "1730", "1737", "1760", "1761", "1762", "1763", "1764", "1765", "1766", "1780", "1781", "1782", "1783", "1784", "1785"}
	jonkoping = []string{"0604", "0617", "0642", "0643", "0662", "0665", "0680", "0682", "0683", "0684", "0685", "0686", "0687"}
	samspelet = []string{"1761", "1764", "1780", "1781"}
	hoglandet = []string{"0604", "0682", "0684", "0685", "0686", "0687"}
)

type unit struct {
	key, parent    string
	kind           tenancy.UnitKind
	name           string
	municipalities []string // nil: the organisation's
}

type organization struct {
	key            string
	kind           tenancy.OrganizationKind
	name           string
	orgNumber      string
	municipalities []string
	units          []unit
}

// socialtjanst is the unit tree of a smaller kommun.
func socialtjanst(ebName string) []unit {
	return []unit{
		{key: "sof", kind: tenancy.UnitForvaltning, name: "Socialförvaltningen"},
		{key: "eb", parent: "sof", kind: tenancy.UnitEkonomisktBistand, name: ebName},
	}
}

var organizations = []organization{
	{key: "karlstad", kind: tenancy.Kommun, name: "Karlstads kommun", orgNumber: "212000-1835", municipalities: []string{"1780"},
		units: []unit{
			{key: "amf", kind: tenancy.UnitForvaltning, name: "Arbetsmarknads- och socialförvaltningen"},
			{key: "eb", parent: "amf", kind: tenancy.UnitEkonomisktBistand, name: "Ekonomiskt bistånd"},
			{key: "ame", parent: "amf", kind: tenancy.UnitArbetsmarknad, name: "Arbetsmarknadsenheten"},
			{key: "samverkan", parent: "amf", kind: tenancy.UnitAnnan, name: "Samverkan och utveckling"},
		}},
	{key: "grums", kind: tenancy.Kommun, name: "Grums kommun", orgNumber: "212000-1827", municipalities: []string{"1764"},
		units: socialtjanst("Ekonomiskt bistånd")},
	{key: "hammaro", kind: tenancy.Kommun, name: "Hammarö kommun", orgNumber: "212000-1819", municipalities: []string{"1761"},
		units: socialtjanst("Ekonomiskt bistånd")},
	{key: "kristinehamn", kind: tenancy.Kommun, name: "Kristinehamns kommun", orgNumber: "212000-1843", municipalities: []string{"1781"},
		units: socialtjanst("Försörjningsstöd")},
	{key: "aneby", kind: tenancy.Kommun, name: "Aneby kommun", orgNumber: "212000-0522", municipalities: []string{"0604"},
		units: socialtjanst("Ekonomiskt bistånd")},
	{key: "eksjo", kind: tenancy.Kommun, name: "Eksjö kommun", orgNumber: "212000-0548", municipalities: []string{"0686"},
		units: []unit{
			{key: "sof", kind: tenancy.UnitForvaltning, name: "Socialförvaltningen"},
			{key: "eb", parent: "sof", kind: tenancy.UnitEkonomisktBistand, name: "Ekonomiskt bistånd"},
			{key: "ame", parent: "sof", kind: tenancy.UnitArbetsmarknad, name: "Arbetsmarknadsenheten"},
		}},
	{key: "nassjo", kind: tenancy.Kommun, name: "Nässjö kommun", orgNumber: "212000-0530", municipalities: []string{"0682"},
		units: socialtjanst("Försörjningsstöd")},
	{key: "savsjo", kind: tenancy.Kommun, name: "Sävsjö kommun", orgNumber: "212000-0555", municipalities: []string{"0684"},
		units: socialtjanst("Ekonomiskt bistånd")},
	{key: "tranas", kind: tenancy.Kommun, name: "Tranås kommun", orgNumber: "212000-0563", municipalities: []string{"0687"},
		units: socialtjanst("Ekonomiskt bistånd")},
	{key: "vetlanda", kind: tenancy.Kommun, name: "Vetlanda kommun", orgNumber: "212000-0571", municipalities: []string{"0685"},
		units: socialtjanst("Ekonomiskt bistånd")},

	{key: "fk", kind: tenancy.FK, name: "Försäkringskassan", orgNumber: "202100-5521", municipalities: concat(varmland, jonkoping),
		units: []unit{
			{key: "sjuk", kind: tenancy.UnitForvaltning, name: "Avdelningen för sjukförsäkring"},
			{key: "karlstad", parent: "sjuk", kind: tenancy.UnitLokalkontor, name: "Försäkringskassan Karlstad", municipalities: varmland},
			{key: "jonkoping", parent: "sjuk", kind: tenancy.UnitLokalkontor, name: "Försäkringskassan Jönköping", municipalities: jonkoping},
		}},
	{key: "af", kind: tenancy.AF, name: "Arbetsförmedlingen", orgNumber: "202100-2114", municipalities: concat(varmland, jonkoping),
		units: []unit{
			{key: "region-syd-vast", kind: tenancy.UnitForvaltning, name: "Arbetsförmedlingen, avdelning Rusta och matcha"},
			{key: "karlstad", parent: "region-syd-vast", kind: tenancy.UnitLokalkontor, name: "Arbetsförmedlingen Karlstad", municipalities: varmland},
			{key: "hoglandet", parent: "region-syd-vast", kind: tenancy.UnitLokalkontor, name: "Arbetsförmedlingen Höglandet", municipalities: hoglandet},
		}},

	{key: "region-varmland", kind: tenancy.Region, name: "Region Värmland", orgNumber: "232100-0156", municipalities: varmland,
		units: []unit{
			{key: "hs", kind: tenancy.UnitForvaltning, name: "Hälso- och sjukvården"},
			{key: "vc-gripen", parent: "hs", kind: tenancy.UnitVardcentral, name: "Vårdcentralen Gripen", municipalities: []string{"1780"}},
			{key: "vc-herrhagen", parent: "hs", kind: tenancy.UnitVardcentral, name: "Vårdcentralen Herrhagen", municipalities: []string{"1780"}},
			{key: "vc-kronoparken", parent: "hs", kind: tenancy.UnitVardcentral, name: "Vårdcentralen Kronoparken", municipalities: []string{"1780"}},
			{key: "vc-grums", parent: "hs", kind: tenancy.UnitVardcentral, name: "Vårdcentralen Grums", municipalities: []string{"1764"}},
			{key: "vc-hammaro", parent: "hs", kind: tenancy.UnitVardcentral, name: "Vårdcentralen Hammarö", municipalities: []string{"1761"}},
			{key: "vc-kristinehamn", parent: "hs", kind: tenancy.UnitVardcentral, name: "Vårdcentralen Kristinehamn", municipalities: []string{"1781"}},
			{key: "psyk-karlstad", parent: "hs", kind: tenancy.UnitPsykiatri, name: "Psykiatriska öppenvårdsmottagningen Karlstad", municipalities: samspelet},
		}},
	{key: "region-jonkoping", kind: tenancy.Region, name: "Region Jönköpings län", orgNumber: "232100-0354", municipalities: jonkoping,
		units: []unit{
			{key: "hs", kind: tenancy.UnitForvaltning, name: "Hälso- och sjukvården"},
			{key: "vc-eksjo", parent: "hs", kind: tenancy.UnitVardcentral, name: "Vårdcentralen Eksjö", municipalities: []string{"0686"}},
			{key: "vc-nassjo", parent: "hs", kind: tenancy.UnitVardcentral, name: "Vårdcentralen Nässjö", municipalities: []string{"0682"}},
			{key: "vc-tranas", parent: "hs", kind: tenancy.UnitVardcentral, name: "Vårdcentralen Tranås", municipalities: []string{"0687"}},
			{key: "vc-vetlanda", parent: "hs", kind: tenancy.UnitVardcentral, name: "Vårdcentralen Vetlanda", municipalities: []string{"0685"}},
			{key: "psyk-hoglandet", parent: "hs", kind: tenancy.UnitPsykiatri, name: "Psykiatriska kliniken Höglandet, Eksjö", municipalities: hoglandet},
		}},

	{key: "samspelet", kind: tenancy.Samordningsforbund, name: "Samordningsförbundet Samspelet", orgNumber: "222000-1636", municipalities: samspelet,
		units: []unit{{key: "kansli", kind: tenancy.UnitKansli, name: "Förbundets kansli"}}},
	{key: "hoglandet", kind: tenancy.Samordningsforbund, name: "Höglandets samordningsförbund", orgNumber: "222000-1719", municipalities: hoglandet,
		units: []unit{{key: "kansli", kind: tenancy.UnitKansli, name: "Förbundets kansli"}}},
}

type member struct{ orgKey, from string }

type federation struct {
	key, orgKey, name string
	members           []member
}

var federations = []federation{
	{key: "samspelet", orgKey: "samspelet", name: "Samordningsförbundet Samspelet", members: []member{
		{"karlstad", "2009-01-01"}, {"grums", "2009-01-01"}, {"hammaro", "2009-01-01"}, {"kristinehamn", "2012-01-01"},
		{"fk", "2009-01-01"}, {"af", "2009-01-01"}, {"region-varmland", "2009-01-01"},
	}},
	{key: "hoglandet", orgKey: "hoglandet", name: "Höglandets samordningsförbund", members: []member{
		{"aneby", "2008-01-01"}, {"eksjo", "2008-01-01"}, {"nassjo", "2008-01-01"}, {"savsjo", "2008-01-01"},
		{"tranas", "2008-01-01"}, {"vetlanda", "2008-01-01"},
		{"fk", "2008-01-01"}, {"af", "2008-01-01"}, {"region-jonkoping", "2008-01-01"},
	}},
}

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

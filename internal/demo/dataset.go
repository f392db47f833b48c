package demo

import (
	"slices"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// The demo data set described for the generators that build on it:
// internal/demo/national adds the rest of the country around the demo and
// must reuse the municipalities, organisations, units and förbund the demo
// already has. Each call returns a copy; the ids follow from the keys
// through ID ("org/" + key, "unit/" + org key + "/" + unit key,
// "federation/" + key).

// County is a demo county with the kommunkoder of all its municipalities.
type County struct {
	Code, Name     string
	Municipalities []string
}

// Counties returns the demo counties, in the order Load writes them.
func Counties() []County {
	out := make([]County, len(counties))
	for i, c := range counties {
		out[i] = County{Code: c.code, Name: c.name}
		for _, m := range c.municipalities {
			out[i].Municipalities = append(out[i].Municipalities, m[0])
		}
	}
	return out
}

// Organization is a demo organisation with the municipalities it serves
// and its units.
type Organization struct {
	Key            string
	Kind           tenancy.OrganizationKind
	Municipalities []string
	Units          []Unit
}

// Unit is a unit of a demo organisation.
type Unit struct {
	Key            string
	Kind           tenancy.UnitKind
	Municipalities []string // those it names itself; nil: the organisation's
}

// Organizations returns the demo organisations, in the order Load writes
// them.
func Organizations() []Organization {
	out := make([]Organization, len(organizations))
	for i, o := range organizations {
		out[i] = Organization{Key: o.key, Kind: o.kind, Municipalities: slices.Clone(o.municipalities)}
		for _, u := range o.units {
			out[i].Units = append(out[i].Units, Unit{Key: u.key, Kind: u.kind, Municipalities: slices.Clone(u.municipalities)})
		}
	}
	return out
}

// Federation is a demo förbund: the organisation OrgKey runs it, the
// organisations Members belong to it.
type Federation struct {
	Key, OrgKey string
	Members     []string // organisation keys
}

// Federations returns the demo förbund, in the order Load writes them.
func Federations() []Federation {
	out := make([]Federation, len(federations))
	for i, f := range federations {
		out[i] = Federation{Key: f.key, OrgKey: f.orgKey}
		for _, m := range f.members {
			out[i].Members = append(out[i].Members, m.orgKey)
		}
	}
	return out
}

// Reference is what LoadReference writes for one organisation: itself,
// its units, the förbund it runs and its directory entries, by global id,
// for the audit record the seed leaves in the organisation's trail.
type Reference struct {
	OrgID                       uuid.UUID
	Kind                        tenancy.OrganizationKind
	Units, Federations, Entries int
	ObjectIDs                   []string
}

// References returns what LoadReference writes, per organisation, in the
// order it writes them.
func References() []Reference {
	out := make([]Reference, len(organizations))
	for i, o := range organizations {
		r := Reference{OrgID: ID("org/" + o.key), Kind: o.kind, Units: len(o.units)}
		r.ObjectIDs = append(r.ObjectIDs, relay.ID(relay.TypeOrganization, r.OrgID))
		for _, u := range o.units {
			r.ObjectIDs = append(r.ObjectIDs, relay.ID(relay.TypeUnit, ID("unit/"+o.key+"/"+u.key)))
		}
		for _, f := range federations {
			if f.orgKey == o.key {
				r.Federations++
				r.ObjectIDs = append(r.ObjectIDs, relay.ID(relay.TypeFederation, ID("federation/"+f.key)))
			}
		}
		for _, e := range directoryEntries {
			if e.orgKey == o.key {
				r.Entries++
				r.ObjectIDs = append(r.ObjectIDs, relay.ID(relay.TypeDirectoryEntry, ID("entry/"+e.key)))
			}
		}
		out[i] = r
	}
	return out
}

package mix

import "fmt"

// WaysInDocument is the waysIn document of docs/directory.md, as a UI
// sends it.
const WaysInDocument = `query($t: Topic!, $m: String!, $k: OrganizationKind, $first: Int) {
  waysIn(topic: $t, municipalityCode: $m, organizationKind: $k, first: $first) {
    match
    entry { functionName organization { name } openNow stale channels { kind value note openNow } }
    fallbackChain { functionName channels { kind value } } } }`

// WaysIn is one waysIn question of the mix.
type WaysIn struct {
	User         User
	Purpose      string
	Topic        string
	Municipality string
	Kind         *string // organisation-kind filter
	First        int
}

// WaysIn draws a question: the user and its purpose, the topic and
// municipality, the page a UI asks for (10 most often) and, in 15 %, an
// organisation-kind filter.
func (m *Mix) WaysIn() WaysIn {
	u := m.User()
	q := WaysIn{User: u, Purpose: m.Purpose(u), Topic: m.Topic(), Municipality: m.Municipality().Code, First: Pick(m, WaysInPages)}
	if m.Percent(15) {
		k := OneOf(m, OrganizationKinds)
		q.Kind = &k
	}
	return q
}

// Vars are the question's variables of WaysInDocument.
func (q WaysIn) Vars() map[string]any {
	return map[string]any{"t": q.Topic, "m": q.Municipality, "k": q.Kind, "first": q.First}
}

// Label is the question without its user and municipality.
func (q WaysIn) Label() string {
	k := "any kind"
	if q.Kind != nil {
		k = *q.Kind
	}
	return fmt.Sprintf("%s, first %d, %s", q.Topic, q.First, k)
}

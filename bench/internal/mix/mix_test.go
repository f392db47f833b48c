package mix

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var munis = []Municipality{{"1780", "Karlstad"}, {"0686", "Eksjö"}, {"2480", "Umeå"}}

var vocab = Vocabulary{
	Organizations: []string{"Försäkringskassan", "Karlstads kommun", "Samordningsförbundet Samspelet"},
	Units:         []string{"Vårdcentralen Gripen", "Ekonomiskt bistånd"},
	Functions:     []string{"Samordning av rehabilitering för personer utan SGI", "KOMMUN funktion 2707 (2502)"},
}

// A run is reproducible from its seed: the same seed draws the same
// questions, another seed others.
func TestMix_SameSeedSameQuestions(t *testing.T) {
	draw := func(seed uint64) []string {
		m := New(seed, munis)
		var out []string
		for range 200 {
			q := m.WaysIn()
			s := m.Search(vocab)
			out = append(out, q.User.Login+q.Purpose+q.Label()+q.Municipality, s.Query+s.Label)
		}
		return out
	}
	a, b, c := draw(7), draw(7), draw(8)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatal("the same seed drew different questions")
	}
	if strings.Join(a, "\n") == strings.Join(c, "\n") {
		t.Fatal("another seed drew the same questions")
	}
}

// Every user, topic and municipality is drawn, and each user only under
// a purpose of its own.
func TestMix_DrawsEveryChoiceWithinItsPurposes(t *testing.T) {
	m := New(1, munis)
	users, topics, places := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for range 5000 {
		q := m.WaysIn()
		users[q.User.Login], topics[q.Topic], places[q.Municipality] = true, true, true
		ok := q.Purpose == "" && len(q.User.Purposes) == 0
		for _, p := range q.User.Purposes {
			ok = ok || p.Value == q.Purpose
		}
		if !ok {
			t.Fatalf("%s drawn under purpose %q, not one of its own", q.User.Login, q.Purpose)
		}
		if q.First != 5 && q.First != 10 && q.First != 20 {
			t.Fatalf("waysIn page of %d", q.First)
		}
	}
	if len(users) != len(Users) || len(topics) != 13 || len(places) != len(munis) {
		t.Fatalf("drew %d users, %d topics, %d municipalities; want %d, 13, %d", len(users), len(topics), len(places), len(Users), len(munis))
	}
}

// Searches have 1–3 words; a typo changes one word by one letter (or
// drops the dots and ring of å/ä/ö), and about a quarter have one.
func TestMix_SearchWordsAndTypos(t *testing.T) {
	m := New(3, munis)
	typos := 0
	const n = 4000
	for range n {
		s := m.Search(vocab)
		words := strings.Fields(s.Query)
		if len(words) < 1 || len(words) > 3 {
			t.Fatalf("%q has %d words", s.Query, len(words))
		}
		if strings.Contains(s.Label, "typo") {
			typos++
		}
	}
	if typos < n/6 || typos > n/3 {
		t.Fatalf("%d typos in %d searches, want about a quarter", typos, n)
	}
	for range 500 {
		w := "försörjningsstöd"
		got, kind := m.typo(w)
		d := utf8.RuneCountInString(got) - utf8.RuneCountInString(w)
		switch kind {
		case "dropped letter":
			if d != -1 {
				t.Fatalf("%s: %q", kind, got)
			}
		case "doubled letter":
			if d != 1 {
				t.Fatalf("%s: %q", kind, got)
			}
		case "swapped letters", "without å/ä/ö":
			if d != 0 || got == w && kind == "without å/ä/ö" {
				t.Fatalf("%s: %q", kind, got)
			}
		default:
			t.Fatalf("typo kind %q", kind)
		}
		if got[0] != 'f' {
			t.Fatalf("%q: the first letter changed", got)
		}
	}
	if got, kind := m.typo("sip"); got != "sip" || kind != "" {
		t.Fatalf("a short word got a typo: %q %q", got, kind)
	}
}

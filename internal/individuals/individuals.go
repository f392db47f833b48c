// Package individuals keeps the people the municipality works with. A
// person's personnummer or samordningsnummer is sealed at rest with a
// rotatable key and found again through a keyed blind index; it is never
// logged and never part of an error. Who may see a person is the consent
// package's rule; a person with skyddade personuppgifter is shown outside
// the owning unit by a pseudonymous handle only.
package individuals

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/piicrypt"
)

// Individual is a person as the viewer may see them. Name and number are
// nil when the viewer may see only the handle.
type Individual struct {
	ID                uuid.UUID
	OrgID             uuid.UUID
	UnitID            uuid.UUID
	Handle            string
	ProtectedIdentity bool
	NumberKind        personnummer.Kind
	RegisteredAt      time.Time
	IdentityShown     bool
	GivenName         *string
	FamilyName        *string
	Number            *personnummer.Number
	// ConsentID is the samtycke that let the viewer see this person (nil
	// for the own organisation's).
	ConsentID *uuid.UUID
}

// Store reads and writes individuals with the configured keys.
type Store struct{ Keys *piicrypt.Keys }

// RegisterInput is a person as the municipality registers them.
type RegisterInput struct {
	Personnummer      string
	GivenName         string
	FamilyName        string
	ProtectedIdentity bool
	UnitID            *uuid.UUID // default: the registering person's unit
}

const maxNameLen = 100

// Register adds a person to the principal's organisation.
func (s Store) Register(ctx context.Context, q db.Querier, p *identity.Principal, in RegisterInput, today time.Time) (Individual, error) {
	var bad []string
	num, err := personnummer.Parse(in.Personnummer, today)
	if err != nil {
		bad = append(bad, err.Error())
	}
	given, family := strings.TrimSpace(in.GivenName), strings.TrimSpace(in.FamilyName)
	for _, f := range [][2]string{{"givenName", given}, {"familyName", family}} { // in field order
		if f[1] == "" || len([]rune(f[1])) > maxNameLen {
			bad = append(bad, fmt.Sprintf("%s must be 1–%d characters", f[0], maxNameLen))
		}
	}
	unit := in.UnitID
	if unit == nil {
		unit = p.UnitID
	}
	if unit == nil {
		bad = append(bad, "name the owning unit (unitId): your token carries none")
	}
	if len(bad) > 0 {
		return Individual{}, apperr.Invalidf("the person cannot be registered: %s", strings.Join(bad, "; "))
	}
	id := ids.New(ctx)
	keyID, sealed, err := s.Keys.Seal([]byte(num.Digits()), id[:])
	if err != nil {
		return Individual{}, err
	}
	handle, err := newHandle()
	if err != nil {
		return Individual{}, err
	}
	_, err = q.Exec(ctx, qRegisterIndividual,
		id, *unit, string(num.Kind()), s.Keys.Index([]byte(num.Digits())), sealed, keyID, given, family, in.ProtectedIdentity, handle, p.UserID)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return Individual{}, apperr.Errorf(apperr.Conflict, "this person is already registered by your organisation")
	}
	if err != nil {
		return Individual{}, fmt.Errorf("register individual: %w", err)
	}
	got, err := s.ByID(ctx, q, consent.Scope{Own: true}, []uuid.UUID{id})
	if err != nil {
		return Individual{}, err
	}
	ind, ok := got[id]
	if !ok {
		return Individual{}, apperr.Invalidf("the unit is not one of your organisation's")
	}
	return ind, nil
}

// newHandle makes a pseudonymous handle such as "P-7K3MQ9XD2A": random,
// so that it says nothing about the person.
func newHandle() (string, error) {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ" // Crockford base32
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("handle: %w", err)
	}
	for i := range b {
		b[i] = alphabet[b[i]%32]
	}
	return "P-" + string(b), nil
}

// scan reads rows of individual_columns (queries.sql): name and sealed
// number only when the identity is shown.
func (s Store) scan(rows pgx.Rows) ([]Individual, error) {
	defer rows.Close()
	var out []Individual
	for rows.Next() {
		var i Individual
		var kind, keyID string
		var sealed []byte
		if err := rows.Scan(&i.ID, &i.OrgID, &i.UnitID, &i.Handle, &i.ProtectedIdentity, &kind, &i.RegisteredAt,
			&i.IdentityShown, &i.GivenName, &i.FamilyName, &sealed, &keyID, &i.ConsentID); err != nil {
			return nil, err
		}
		i.NumberKind = personnummer.Kind(kind)
		if i.IdentityShown && sealed != nil {
			plain, err := s.Keys.Open(keyID, sealed, i.ID[:])
			if err != nil {
				return nil, fmt.Errorf("individual %s: %w", i.ID, err)
			}
			n, err := personnummer.FromDigits(string(plain), time.Now())
			if err != nil {
				return nil, fmt.Errorf("individual %s: stored number does not parse", i.ID)
			}
			i.Number = &n
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// ByID loads the individuals the viewer may see among ids.
func (s Store) ByID(ctx context.Context, q db.Querier, scope consent.Scope, ids []uuid.UUID) (map[uuid.UUID]Individual, error) {
	rows, err := q.Query(ctx, byIDSQL(scope), ids)
	if err != nil {
		return nil, fmt.Errorf("load individuals: %w", err)
	}
	list, err := s.scan(rows)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]Individual, len(list))
	for _, i := range list {
		out[i.ID] = i
	}
	return out, nil
}

// ByNumber finds the person with this number whom the viewer may see with
// their identity: the own organisation's registration first, else the
// newest shared one. A protected person is never found by number outside
// the owning unit: the number would tie the handle to the person.
func (s Store) ByNumber(ctx context.Context, q db.Querier, scope consent.Scope, number string, today time.Time) (*Individual, error) {
	num, err := personnummer.Parse(number, today)
	if err != nil {
		return nil, apperr.Invalidf("personnummer: %s", err.Error())
	}
	rows, err := q.Query(ctx, byNumberSQL(scope), s.Keys.Index([]byte(num.Digits())))
	if err != nil {
		return nil, fmt.Errorf("find individual: %w", err)
	}
	list, err := s.scan(rows)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// LookupTrace names a lookup by identity number in the audit trail without
// the number: "personnummer-index:" and the number's blind index
// (base64url), or "personnummer-index:invalid" for input that is no
// identity number. A loggranskare who has the number can find every
// lookup of it; the trail alone does not give the number away.
func (s Store) LookupTrace(number string, today time.Time) string {
	num, err := personnummer.Parse(number, today)
	if err != nil {
		return lookupTracePrefix + "invalid"
	}
	return lookupTracePrefix + base64.RawURLEncoding.EncodeToString(s.Keys.Index([]byte(num.Digits())))
}

const lookupTracePrefix = "personnummer-index:"

// List returns a page of the individuals the viewer may see, newest
// registration first.
func (s Store) List(ctx context.Context, q db.Querier, scope consent.Scope, pr page.Request) (page.Result[Individual], error) {
	args := []any{pr.First + 1}
	if pr.After != nil {
		at, err := time.Parse(time.RFC3339Nano, pr.After.Sort)
		if err != nil {
			return page.Result[Individual]{}, apperr.Invalidf("the cursor is not one of this list's")
		}
		args = append(args, at, pr.After.ID)
	}
	rows, err := q.Query(ctx, listSQL(scope, pr.After != nil), args...)
	if err != nil {
		return page.Result[Individual]{}, fmt.Errorf("list individuals: %w", err)
	}
	list, err := s.scan(rows)
	if err != nil {
		return page.Result[Individual]{}, err
	}
	return page.Trim(list, pr.First), nil
}

// Count counts the individuals the viewer may see, up to page.MaxCount.
func Count(ctx context.Context, q db.Querier, scope consent.Scope) (int, error) {
	var n int
	err := q.QueryRow(ctx, countSQL(scope)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count individuals: %w", err)
	}
	return n, nil
}

// Key is an individual's place in List.
func Key(i Individual) page.Key {
	return page.Key{Sort: i.RegisteredAt.UTC().Format(time.RFC3339Nano), ID: i.ID}
}

package db

import (
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// registerUUID teaches a connection's type map to encode and scan
// github.com/google/uuid values as binary uuids directly, for uuid and
// uuid[] alike.
//
// Without it pgx goes through uuid.UUID's driver.Valuer and sql.Scanner:
// every id becomes a 36-character string and is parsed back, element by
// element for arrays. Encoding the arrays of ids of one page of 50 cases
// took a sixth of the hub's CPU (docs/samtycke-benchmarks.md).
func registerUUID(m *pgtype.Map) {
	t := &pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}}
	m.RegisterType(t)
	m.RegisterType(&pgtype.Type{Name: "_uuid", OID: pgtype.UUIDArrayOID, Codec: &pgtype.ArrayCodec{ElementType: t}})
	// Where the server does not say (the simple protocol), these are uuids.
	m.RegisterDefaultPgType(uuid.UUID{}, "uuid")
	m.RegisterDefaultPgType([]uuid.UUID{}, "_uuid")
}

// uuidCodec is pgx's uuid codec, with plans for uuid.UUID added.
type uuidCodec struct{ pgtype.UUIDCodec }

func (c uuidCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	switch value.(type) {
	case uuid.UUID, *uuid.UUID:
		if next := c.UUIDCodec.PlanEncode(m, oid, format, pgtype.UUID{}); next != nil {
			return uuidEncodePlan{next: next}
		}
	}
	return c.UUIDCodec.PlanEncode(m, oid, format, value)
}

func (c uuidCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if _, ok := target.(*uuid.UUID); ok {
		if next := c.UUIDCodec.PlanScan(m, oid, format, &uuidScanner{}); next != nil {
			return uuidScanPlan{next: next}
		}
	}
	return c.UUIDCodec.PlanScan(m, oid, format, target)
}

// uuidEncodePlan hands a uuid.UUID (or a pointer to one; nil is NULL) to
// the uuid codec as a pgtype.UUID.
type uuidEncodePlan struct{ next pgtype.EncodePlan }

func (p uuidEncodePlan) Encode(value any, buf []byte) ([]byte, error) {
	switch v := value.(type) {
	case uuid.UUID:
		return p.next.Encode(pgtype.UUID{Bytes: v, Valid: true}, buf)
	case *uuid.UUID:
		if v == nil {
			return nil, nil // NULL
		}
		return p.next.Encode(pgtype.UUID{Bytes: *v, Valid: true}, buf)
	}
	return nil, errors.New("uuidEncodePlan: not a uuid.UUID")
}

// uuidScanPlan scans into a *uuid.UUID through the uuid codec.
type uuidScanPlan struct{ next pgtype.ScanPlan }

func (p uuidScanPlan) Scan(src []byte, target any) error {
	return p.next.Scan(src, &uuidScanner{dst: target.(*uuid.UUID)})
}

type uuidScanner struct{ dst *uuid.UUID }

func (s *uuidScanner) ScanUUID(v pgtype.UUID) error {
	if !v.Valid {
		return errors.New("cannot scan NULL into a uuid.UUID (use *uuid.UUID)")
	}
	*s.dst = v.Bytes
	return nil
}

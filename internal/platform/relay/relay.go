// Package relay implements the Relay conventions of the GraphQL API: opaque
// global ids ("Type:uuid", base64url) and the parts of cursor connections
// shared by every list.
package relay

import (
	"encoding/base64"
	"strings"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// Type names used in global ids; they equal the GraphQL type names.
const (
	TypeOrganization    = "Organization"
	TypeUnit            = "Unit"
	TypeFederation      = "Federation"
	TypeDirectoryEntry  = "DirectoryEntry"
	TypeIndividual      = "Individual"
	TypeCase            = "Case"
	TypeCaseItem        = "CaseItem"
	TypeConsent         = "Consent"
	TypeRoutine         = "Routine"
	TypeScreeningCohort = "ScreeningCohort"
	TypeTask            = "Task"
	TypePlan            = "Plan"
	TypeMeeting         = "Meeting"
	TypeMeetingMinutes  = "MeetingMinutes"
)

// TypeAccessLog is the type of the global id that names a person's
// loggutdrag ("AccessLog:" and the individual's uuid): the object of the
// loggutdrag row and audit record that a reading of the log writes. The
// log is not a Node (there is no GraphQL type AccessLog; `node` returns
// null for the id), but its id says what was read, and whose.
const TypeAccessLog = "AccessLog"

// TypeCaseHistory and TypeCaseScreening name, in the same way, what a
// reading of a case's history in its routine (Case.transitions) and of
// its screening (Case.screening) read, and a reading or change of its
// evidence checklist (Case.evidence) or its repayments (Case.repayments):
// the id carries the case's uuid.
const (
	TypeCaseHistory    = "CaseHistory"
	TypeCaseScreening  = "CaseScreening"
	TypeCaseEvidence   = "CaseEvidence"
	TypeCaseRepayments = "CaseRepayments"
)

// ID renders the global id of the object of type typ with id.
func ID(typ string, id uuid.UUID) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + id.String()))
}

// ParseID splits a global id into its type and uuid.
func ParseID(gid string) (typ string, id uuid.UUID, err error) {
	bad := apperr.Invalidf("malformed id %q: pass an id from an object's id field", truncate(gid))
	raw, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		return "", uuid.Nil, bad
	}
	typ, rest, ok := strings.Cut(string(raw), ":")
	if !ok || typ == "" {
		return "", uuid.Nil, bad
	}
	id, err = uuid.Parse(rest)
	if err != nil || len(rest) != 36 {
		return "", uuid.Nil, bad
	}
	return typ, id, nil
}

// ParseIDOf parses a global id that must name an object of type want.
func ParseIDOf(want, gid string) (uuid.UUID, error) {
	typ, id, err := ParseID(gid)
	if err != nil {
		return uuid.Nil, err
	}
	if typ != want {
		return uuid.Nil, apperr.Invalidf("id %q is not the id of a %s", truncate(gid), want)
	}
	return id, nil
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

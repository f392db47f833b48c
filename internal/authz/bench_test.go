package authz_test

import (
	"testing"

	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/identity"
)

// BenchmarkAllows measures one policy decision: one role, one object kind,
// action and relation, against the default policy.
//
//	go test -run '^$' -bench Allows -benchmem ./internal/authz/
func BenchmarkAllows(b *testing.B) {
	a, err := authz.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	roles := []identity.Role{identity.PersonligHandlaggare}
	b.ReportAllocs()
	for b.Loop() {
		if !a.Allows(roles, authz.Read, authz.Case, authz.Consented) {
			b.Fatal("denied")
		}
	}
}

// BenchmarkAllows_Denied is the worst case: every role is tried, none
// allows.
func BenchmarkAllows_Denied(b *testing.B) {
	a, err := authz.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	roles := []identity.Role{identity.Forbundsadministrator, identity.OrgAdmin}
	b.ReportAllocs()
	for b.Loop() {
		if a.Allows(roles, authz.Read, authz.AuditRecord, authz.Own) {
			b.Fatal("allowed")
		}
	}
}

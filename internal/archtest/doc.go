// Package archtest holds the architecture test: the layering of the hub,
// stated as rules over its packages' imports and calls, checked on every
// test run. It has no code of its own.
//
//		cmd/hub ──> graph (GraphQL transport) ──> internal/app/… (use cases) ──> internal/<domain> ──> internal/platform/…
//
//	  - graph reaches the database and the audit trail only through the use
//	    cases: it imports no database package, calls no domain function that
//	    takes a transaction, builds no store, and never asks a unit of work
//	    for its transaction;
//	  - nothing under internal/ imports graph or cmd;
//	  - the domain and platform packages do not import the application layer.
package archtest

package directory

// ScanTargets is e's fields in the order of EntryColumns.
func ScanTargets(e *Entry) []any { return e.scanTargets() }

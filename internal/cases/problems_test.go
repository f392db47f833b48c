package cases

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// The statements of Open and AddParticipant return a code for the check
// that failed; the caller sees the same errors as when the statements
// returned the sentences themselves.
func TestProblemError_CodesBecomeThePublicErrors(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]*apperr.Error{
		"individual_not_own":           apperr.NotFoundf("no such individual"),
		"unit_not_own":                 apperr.Invalidf("the case cannot be opened: the owning unit is not one of your organisation's"),
		"lead_unit_not_own":            apperr.Invalidf("the case cannot be opened: the lead unit is not one of your organisation's"),
		"not_federation_member":        apperr.Invalidf("the case cannot be opened: your organisation is not a member of that federation today"),
		"case_not_own":                 apperr.NotFoundf("no such case"),
		"org_unknown":                  apperr.Invalidf("no such organisation"),
		"unit_not_of_org":              apperr.Invalidf("the unit is not one of the organisation's"),
		"already_participant":          apperr.Errorf(apperr.Conflict, "that party already takes part in the case"),
		"cohort_not_federation_member": apperr.Invalidf("federationId: your organisation is not a member of that förbund today"),
		"cohort_name_taken":            apperr.Errorf(apperr.Conflict, "name: your organisation has a cohort of that name already"),
	} {
		require.Equal(t, want, problemError(code), code)
	}
	require.Len(t, problems, 10, "every code is in the table above")
	require.NoError(t, problemError(""), "no problem")
	err := problemError("no such individual in your organisation")
	require.Error(t, err)
	require.Equal(t, apperr.Internal, apperr.CodeOf(err), "a code the table does not know is an internal error, not a message")
}

package ids_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/ids"
)

func TestNew_ReturnsThePresetIdsOnceThenRandomOnes(t *testing.T) {
	t.Parallel()
	a, b := uuid.New(), uuid.New()
	ctx := ids.Preset(context.Background(), a, b)
	require.Equal(t, a, ids.New(ctx))
	require.Equal(t, b, ids.New(ctx))
	third := ids.New(ctx)
	require.NotEqual(t, a, third)
	require.NotEqual(t, b, third)
	require.NotEqual(t, third, ids.New(context.Background()))
}

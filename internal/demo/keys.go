package demo

import "github.com/samverkanshub/hub/internal/platform/piicrypt"

// DevKeys are the public development keys (hub dev, tests), parsed.
func DevKeys() *piicrypt.Keys {
	k, err := piicrypt.ParseKeys(piicrypt.DevRing, piicrypt.DevIndexKey)
	if err != nil {
		panic(err)
	}
	return k
}

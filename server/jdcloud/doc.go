// Package jdcloud sends provisioning calls (pkg/plan/provision) to JD Cloud
// through github.com/jdcloud-api/jdcloud-sdk-go: its vpc client and its
// core (signing, parameter building, sending) for the border-gateway calls
// the SDK does not generate, which endpoints.go declares in one place.
//
// Credentials stay here: the secret key is only ever handed to the SDK's
// signer, the SDK's logger is disabled (it prints headers and bodies), and
// no error, attempt report or rendered request carries it or a resolved
// pre-shared key.
package jdcloud

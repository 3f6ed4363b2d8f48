package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/server/standin"
)

// TestProvisionCancelAndPreflight: the operator checks the plan against
// the region first (the preflight: what it creates, what the region holds);
// a running run can be cancelled from the page, and what it created is
// then listed for a teardown.
func TestProvisionCancelAndPreflight(t *testing.T) {
	t.Parallel()
	e := newProvEnv(t)
	b := newBrowser(t)
	b.viewport(projectorW, projectorH)
	b.openPanel(e.url)
	b.openExample("seed-dc-primary-vpn-backup")
	b.signIn("pat")
	b.act("submit")
	b.waitFor(`document.getElementById('prov-status').textContent.startsWith('Submitted as')`)
	// The approver sees the plan against the region before approving.
	b.signIn("alex")
	b.act("preflight")
	b.waitFor(`document.querySelector('.prov-diff') !== null`)
	if got := eval[string](b, `(d => d.dataset.create + '/' + d.dataset.exists + '/' + d.dataset.conflict)(document.querySelector('.prov-diff'))`); got != "8/0/0" {
		t.Errorf("before provisioning the diff says create/exists/conflict = %s, want 8/0/0: %s", got, b.text(".prov-diff"))
	}
	b.screenshot("provision-diff-before-approval")
	b.act("approve")
	b.waitFor(`document.getElementById('prov-status').textContent.startsWith('Approved')`)
	b.signIn("olive")
	b.act("preflight")
	b.waitFor(`document.querySelector('.prov-preflight [data-ready]') !== null`)
	pf := b.text(".prov-preflight")
	if !strings.Contains(pf, "Plan creates") || !strings.Contains(pf, "In the region") {
		t.Errorf("the cloud check does not say what the plan creates: %q", pf)
	}
	if got := countsOf(e.standin); got != noCounts {
		t.Errorf("the cloud check changed the region: %s", got)
	}
	b.screenshot("provision-preflight")

	// Every call held back, so the run is still going when cancelled.
	e.standin.Faults().Add(standin.Fault{Times: 1 << 20, Delay: 300 * time.Millisecond})
	b.act("provision")
	b.waitFor(`document.querySelectorAll('.prov-steps li[data-state="succeeded"]').length >= 2`)
	b.act("cancel")
	b.waitFor(`document.querySelector('.prov-runview .pill.prov-cancelled') !== null`)
	if n := eval[int](b, `document.querySelectorAll('.prov-steps li[data-state="running"]').length`); n != 0 {
		t.Errorf("%d steps still shown running after the cancel", n)
	}
	if b.enabled()["cancel"] {
		t.Error("Cancel is still enabled after the run was cancelled")
	}
	e.standin.Faults().Clear()
	b.signIn("alex")
	b.waitFor(`!document.querySelector('.prov-teardown-preview').hidden`)
	if got := b.text(".prov-teardown-preview summary"); !strings.Contains(got, "deletes") || strings.Contains(got, "deletes 0 ") {
		t.Errorf("after a cancel, the teardown preview says %q", got)
	}
	b.noNullText("after a cancel")
	b.screenshot("provision-cancelled")
	b.noProblems("status of 404")
}

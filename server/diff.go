package server

// PAGE (issue 12): the plan-versus-cloud diff. POST
// /api/v1/plans/{hash}/diff (the approver, who must see it before
// approving, or the operator; read-only describe calls with the server's
// credentials) answers
//
//	{"hash": "…", "cloud": "…", "diff": jdcloud.DiffReport}
//
// how many of the plan's resources are to be created, already there and
// matching, or conflicting (server/jdcloud/diff.go). Read-only, like the
// preflight; shown before approval and before a teardown.

import (
	"context"
	"net/http"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/server/auth"
	"github.com/hybridplan/hybridplan/server/jdcloud"
)

// differ is a Cloud that can compare a plan with the region.
type differ interface {
	Diff(ctx context.Context, p *plan.Plan) (jdcloud.DiffReport, error)
}

type diffResponse struct {
	Hash  string             `json:"hash"`
	Cloud string             `json:"cloud"`
	Diff  jdcloud.DiffReport `json:"diff"`
}

func (s *Server) diff(r *http.Request, u auth.User) (int, any, *apiError) {
	if !u.Has(auth.Approver) && !u.Has(auth.Operator) {
		return 0, nil, errorf(http.StatusForbidden, "auth.role", "%s has neither the approver nor the operator role needed to compare the plan with the region; ask the administrator, or sign in as someone who has it", u.Name)
	}
	rec, p, e := s.loadPlan(r.PathValue("hash"))
	if e != nil {
		return 0, nil, e
	}
	if fs := s.findings(p); plan.HasErrors(fs) {
		return 0, nil, refuseInvalid(fs, "diff")
	}
	d, ok := s.cloud.(differ)
	if !ok {
		return 0, nil, errorf(http.StatusNotImplemented, "diff.unsupported", "the server's cloud (%s) cannot compare a plan with the region", s.cloud.Describe())
	}
	ctx, cancel := context.WithTimeout(r.Context(), preflightTimeout)
	defer cancel()
	rep, err := d.Diff(ctx, p)
	if err != nil {
		return 0, nil, errorf(http.StatusBadGateway, "diff.failed", "comparing the plan with the region did not finish: %v", err)
	}
	return http.StatusOK, diffResponse{Hash: rec.Hash, Cloud: s.cloud.Describe(), Diff: rep}, nil
}

// Diff compares p with its region using the server's credentials.
func (c *JDCloud) Diff(ctx context.Context, p *plan.Plan) (jdcloud.DiffReport, error) {
	calls, err := provision.Calls(p)
	if err != nil {
		return jdcloud.DiffReport{}, err
	}
	cfg := c.cfg
	cfg.Region = p.Region
	client, err := jdcloud.NewClient(cfg)
	if err != nil {
		return jdcloud.DiffReport{}, err
	}
	return client.Diff(ctx, calls)
}

package server

// JDCLOUD (issue 10): the preflight endpoint. POST
// /api/v1/plans/{hash}/preflight (Operator role: it uses the server's JD
// Cloud credentials) runs the read-only preflight of server/jdcloud for a
// stored plan in its region and answers
//
//	{"hash": "…", "cloud": "…", "report": jdcloud.PreflightReport}
//
// (docs/provisioning.md, "Preflight", shows the report's fields). It never
// creates anything. A plan with errors is refused as for the dry run; a
// cloud without preflight (a test fake) answers 501.

import (
	"context"
	"net/http"
	"time"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/server/auth"
	"github.com/hybridplan/hybridplan/server/jdcloud"
)

// preflightTimeout bounds one preflight: about a dozen describe calls,
// each with the client's own retries and request timeout.
const preflightTimeout = 2 * time.Minute

// preflighter is a Cloud that can run preflight (the JD Cloud one).
type preflighter interface {
	Preflight(ctx context.Context, p *plan.Plan) (jdcloud.PreflightReport, error)
}

type preflightResponse struct {
	Hash   string                  `json:"hash"`
	Cloud  string                  `json:"cloud"`
	Report jdcloud.PreflightReport `json:"report"`
}

func (s *Server) preflight(r *http.Request, _ auth.User) (int, any, *apiError) {
	rec, p, e := s.loadPlan(r.PathValue("hash"))
	if e != nil {
		return 0, nil, e
	}
	if fs := s.findings(p); plan.HasErrors(fs) {
		return 0, nil, refuseInvalid(fs, "preflight")
	}
	pf, ok := s.cloud.(preflighter)
	if !ok {
		return 0, nil, errorf(http.StatusNotImplemented, "preflight.unsupported", "the server's cloud (%s) has no preflight", s.cloud.Describe())
	}
	ctx, cancel := context.WithTimeout(r.Context(), preflightTimeout)
	defer cancel()
	rep, err := pf.Preflight(ctx, p)
	if err != nil {
		return 0, nil, errorf(http.StatusBadGateway, "preflight.failed", "preflight did not finish: %v", err)
	}
	return http.StatusOK, preflightResponse{Hash: rec.Hash, Cloud: s.cloud.Describe(), Report: rep}, nil
}

// Preflight runs the read-only preflight of p in its region with the
// server's credentials.
func (c *JDCloud) Preflight(ctx context.Context, p *plan.Plan) (jdcloud.PreflightReport, error) {
	cfg := c.cfg
	cfg.Region = p.Region
	client, err := jdcloud.NewClient(cfg)
	if err != nil {
		return jdcloud.PreflightReport{}, err
	}
	return client.Preflight(ctx, p)
}

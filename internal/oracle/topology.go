package oracle

import (
	"context"

	"github.com/hybridplan/hybridplan/lab"
)

// The topology, its routers and what is read back from them are lab's (the
// same namespaces, FRR and border gateway stand-in `hybridplan rehearse`
// builds); the oracle adds only the comparison with the simulator.
type (
	// Config describes the topology to build: lab.Config.
	Config = lab.Config
	// Topology is a built plan on real routers: lab.Topology.
	Topology = lab.Topology
	// Observation is what the routers hold after an event: lab.Observation.
	Observation = lab.Observation
	// Lookups are the addresses whose forwarding is read: lab.Lookups.
	Lookups = lab.Lookups
	// Table is one router's BGP table: lab.Table.
	Table = lab.Table
	// Route is one prefix's paths on a router: lab.Route.
	Route = lab.Route
	// Path is one path of a route: lab.Path.
	Path = lab.Path
	// Forwarding is the kernel's decision for one address: lab.Forwarding.
	Forwarding = lab.Forwarding
)

// Build creates the plan's topology: lab.Build.
func Build(ctx context.Context, cfg Config) (*Topology, error) { return lab.Build(ctx, cfg) }

// Requirements names what is missing to run the oracle (Linux, root,
// iproute2, FRR), or is "" when nothing is: lab.Requirements.
func Requirements() string { return lab.Requirements() }

// NamePrefix starts every namespace the oracle's tests create:
// "hpo<pid>-…", the pid of the test process that owns it. It differs from
// lab.NamePrefix ("hpr"), so the oracle's reaper and the rehearsal's each
// remove only their own namespaces.
const NamePrefix = "hpo"

// RemoveStale removes what a killed test run left behind: every namespace
// named "hpo<pid>-…" whose pid is no longer running, with the FRR daemons
// still running in it (lab.RemoveStale with the oracle's prefix).
// Namespaces of live processes, including parallel test runs, are left
// alone.
func RemoveStale(ctx context.Context) error { return lab.RemoveStale(ctx, NamePrefix) }

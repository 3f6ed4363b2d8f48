// Package oracle checks the route simulator against real routers: it builds
// a plan's topology from Linux network namespaces joined by veth pairs, runs
// FRR as the customer router (with exactly the configuration the exporter
// wrote) and as a stand-in for the JD Cloud border gateway, replays the
// simulator's scenarios as real failures (neighbor shutdown, route-map
// change, link down) and reads back the best paths and the kernel's
// forwarding decisions, so a test can compare them with the simulator's.
// The topology, routers, events and readings are package lab's (the same
// code `hybridplan rehearse` runs); this package holds the comparison
// (Check, Compare), its corpus and its tests.
//
// Everything here needs root, iproute2 and FRR (/usr/lib/frr); see
// docs/oracle.md for how the border gateway's rules map onto FRR.
package oracle

// Package lab builds a plan's network on one Linux machine and fails it
// over for real: network namespaces joined by veth pairs, FRR as the
// customer router (loading exactly what `hybridplan export --format frr`
// writes) and as a stand-in for the JD Cloud border gateway (JD Cloud's
// route selection rules, the plan's BGP and BFD timers), a VM and an IDC
// host exchanging UDP probes at 1 kHz, and the failures of the simulator's
// scenarios caused on the routers and links: neighbor shutdown, route
// withdrawal, port down, silent failure. Rehearsal.Run measures each
// direction's path and loss window and puts them next to sim.LossWindows'
// prediction (`hybridplan rehearse`, docs/rehearse.md). With strongSwan
// installed it also proves the exported IPsec settings negotiate
// (ipsec.go).
//
// It needs Linux, root, iproute2 and FRR; Requirements says what is
// missing. Nothing under pkg/ imports it. The topology code started as a
// copy of internal/oracle's, which still has its own.
package lab

/** The simulator and queueing formulas (DESIGN.md §3); filled in by the simulator work. */
export {};

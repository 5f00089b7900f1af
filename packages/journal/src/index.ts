/** The durable journal of engine events (DESIGN.md §3); filled in by the journal work. */
export {};

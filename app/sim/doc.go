// Package sim owns the simulated car: a physical model of a car (speed,
// gearbox, engine, electric motor, fuel and charge, temperatures, 12 V,
// tyres, doors, lights, faults) driven by a scenario's timeline along real
// streets, and the emitter that turns its VSS values into CAN frames through
// a vehicle profile's encoder, at each message's DBC cycle time.
//
// The model advances in fixed steps of Tick and reads no clock: the same
// scenario, route and seed give the same frames, byte for byte. Only Source
// looks at the wall clock, to pace frames for a live cockpit ("sim:city").
//
// Scenarios are TOML files (assets/scenarios, format in docs/scenarios.md);
// routes are loops through street graphs extracted from OpenStreetMap by
// internal/routegen (assets/routes). Both are read through an fs.FS the
// caller passes in.
//
// The package must not decode frames, hold a Store, or touch the UI: it
// only produces frames, and the cockpit sees it as any other CAN source.
package sim

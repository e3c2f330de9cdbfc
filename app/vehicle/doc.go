// Package vehicle owns what the cockpit knows about the car: vehicle
// profiles (a DBC file plus a mapping to VSS paths), the decoder compiled
// from a profile, the encoder used by the simulator, and the Store that holds
// the latest value of every signal with its timestamp and staleness. It does
// no I/O of its own beyond loading profiles, and never touches the UI.
package vehicle

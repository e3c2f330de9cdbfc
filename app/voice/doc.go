// Package voice owns offline voice commands: the intent catalog, the JSGF
// command grammar generated from it with slots filled from live data
// (places, artists, albums, temperatures), pronunciations for words missing
// from the CMU dictionary (from espeak-ng's phonemizer), the recognizer
// (one long-lived PocketSphinx decoder, end-pointing, rejection of speech
// that is not a command), the confirmation of intents that spend money or
// change the route, and the spoken replies.
//
// It does not draw (ui/voice does), does not capture audio itself
// (platform/mic does) and does not play media or route: it calls the small
// interfaces Focus, Player, Navigator, Screens and Payments that the
// cockpit wires to the real services.
package voice

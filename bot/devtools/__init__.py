"""Demo and test tools (emulator, transcripts, demo, sandbox); the product never imports them."""

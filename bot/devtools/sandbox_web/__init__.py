"""`coregroup sandbox`: the bot and the emulator behind a local web page, to act as anyone."""

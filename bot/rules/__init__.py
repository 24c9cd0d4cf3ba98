"""Pure rules: no I/O, no Slack, no database; plain values in, plain values out."""

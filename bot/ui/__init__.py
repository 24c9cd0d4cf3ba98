"""What people see: Block Kit builders and texts, pure functions of values."""

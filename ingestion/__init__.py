"""Children's social care warehouse: extract contract, loader, synthetic generator and CLI."""

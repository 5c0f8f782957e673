"""The demo city's generator, in parts; ``budgetwatch.demo_data`` is its front door."""

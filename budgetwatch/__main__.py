from budgetwatch.cli import main

raise SystemExit(main())

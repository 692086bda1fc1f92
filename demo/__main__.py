"""``python -m demo``: run the demo and print its report."""

from demo.run import main

raise SystemExit(main())

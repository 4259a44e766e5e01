"""What one `check` run found, and the exit status it gives.

Apart from reading (`check_read`) and the outputs (`check_json`, `check_page`) because all three use it:
the result is the one thing they share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procurement.pipeline import Run

FAIL_KINDS = {"never": (), "legal": ("legal",), "risk": ("legal", "risk"), "kpi": ("legal", "risk", "kpi")}


@dataclass
class CheckResult:
    """What `check` found: the consultation run, the bids run, and which tender each bid answers."""

    path: Path
    tender_run: Run
    bid_run: Run
    attached: dict[int, str | None]  # index in bid_run.orders -> tender id (None: unattached)
    fail_on: str = "legal"
    options: dict[str, object] = field(default_factory=dict)
    directory: Any = None  # procurement.directory.Directory, when --suppliers was given
    directory_gain: dict[str, int] = field(default_factory=dict)  # rule -> rows the register made evaluable
    waivers: Any = None  # procurement.waivers.WaiverSet, when --waivers was given
    today: dt.date | None = None  # the run's day, for waiver expiry
    # index in bid_run.rejected -> the tender its row cites: a rejected bid is shown in its consultation's
    # section too, not only at the bottom of the page
    rejected_to: dict[int, str | None] = field(default_factory=dict)
    # index in bid_run.orders -> the fields the bid took from its consultation (check_read.INHERITED): check.json
    # names them instead of repeating the consultation's values in every bid
    inherited: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def failures(self) -> dict[str, int]:
        """Failed rules by kind: the tender's legal/risk/kpi failures and the bids' kpi failures."""
        counts = {"legal": 0, "risk": 0, "kpi": 0}
        for run in (self.tender_run, self.bid_run):
            for scored in run.orders:
                for f in scored.findings:
                    if f.status == "fail" and f.kind in counts:
                        counts[f.kind] += 1
        return counts

    def waived(self) -> int:
        """Findings an active waiver covers (tender and bids): shown, never counted as failures."""
        return sum(1 for run in (self.tender_run, self.bid_run) for scored in run.orders
                   for f in scored.findings if f.status == "waived")

    def exit_status(self) -> int:
        from procurement.errors import EXIT_FINDINGS, EXIT_OK

        failures = self.failures()
        return EXIT_FINDINGS if any(failures[k] for k in FAIL_KINDS.get(self.fail_on, ())) else EXIT_OK

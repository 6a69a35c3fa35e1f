class CommandError(Exception):
    message = "command failed"


class ReportNotFoundError(CommandError):
    message = "report not found"


def run_report(report_id):
    if report_id < 0:
        raise ReportNotFoundError()
    return {"id": report_id}

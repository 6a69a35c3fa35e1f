from flask_appbuilder.api import BaseApi, expose
from sqlalchemy.exc import SQLAlchemyError

from .commands import CommandError, run_report


class ReportApi(BaseApi):
    resource_name = "report"

    @expose("/<int:report_id>", methods=["GET"])
    def get(self, report_id):
        try:
            result = run_report(report_id)
        except CommandError as ex:
            # ok: the project's command errors carry messages for users
            return self.response_422(message=str(ex))
        except SQLAlchemyError as ex:
            return self.response_500(message=str(ex))  # expect: FC501
        return self.response(200, result=result)

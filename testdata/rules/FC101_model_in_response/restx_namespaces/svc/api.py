from flask_restx import Namespace, Resource, fields

from .models import Tenant

ns = Namespace("tenants")
tenant_model = ns.model("Tenant", {"id": fields.Integer, "name": fields.String})


@ns.route("/<int:tenant_id>")
class TenantItem(Resource):
    @ns.marshal_with(tenant_model)
    def get(self, tenant_id):
        # ok: ns.marshal_with
        return Tenant.query.get_or_404(tenant_id)

    @ns.response(200, "Deleted")
    def delete(self, tenant_id):
        tenant = Tenant.query.get_or_404(tenant_id)
        return tenant  # expect: FC101


@ns.route("/<int:tenant_id>/raw")
class TenantRaw(Resource):
    def get(self, tenant_id):
        return {"tenant": Tenant.query.get_or_404(tenant_id)}  # expect: FC101

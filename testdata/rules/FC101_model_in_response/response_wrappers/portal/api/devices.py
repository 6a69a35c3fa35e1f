from flask import Blueprint

from ..models import Device
from .utils import send_error, send_ok, send_result

devices = Blueprint("devices", __name__)


@devices.route("/devices/<int:device_id>")
def get_device(device_id):
    device = Device.query.get_or_404(device_id)
    return send_result(device)  # expect: FC101


@devices.route("/devices/<int:device_id>/public")
def get_device_public(device_id):
    device = Device.query.get_or_404(device_id)
    # ok: the wrapper gets a dict of chosen fields
    return send_result(device.get_public())


@devices.route("/devices/<int:device_id>/ok")
def get_device_ok(device_id):
    return send_ok(Device.query.get(device_id))  # expect: FC101


@devices.route("/devices/<int:device_id>/error")
def device_error(device_id):
    device = Device.query.get(device_id)
    # ok: only a message
    return send_error("device %s is locked" % device.serial)

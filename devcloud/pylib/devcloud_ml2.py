"""ML2 mechanism driver 'fakebind' for the Enamel dev cloud.

There are no L2 agents in the dev cloud, so no shipped driver would bind a port and Nova would
see binding_failed. This driver binds every port on the first segment offered, as an OVS port,
and marks it ACTIVE. Registered through devcloud_ml2-0.1.dist-info/entry_points.txt.
"""
from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api


class FakeBindMechanismDriver(api.MechanismDriver):
    def initialize(self):
        pass

    @property
    def connectivity(self):
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(
                segment[api.ID],
                portbindings.VIF_TYPE_OVS,
                {portbindings.CAP_PORT_FILTER: True, portbindings.OVS_HYBRID_PLUG: False},
                status=constants.PORT_STATUS_ACTIVE)
            return

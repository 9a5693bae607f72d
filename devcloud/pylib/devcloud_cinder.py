"""Cinder volume driver for the Enamel dev cloud (volume_driver = devcloud_cinder.DevcloudFakeVolumeDriver).

The fake driver shipped in python3-cinder keeps volumes as database rows only, but its LVM base
class still runs qemu-img against a device that does not exist when a volume is created from an
image (and when one is uploaded to an image). Here both copies are no-ops, so bootable volumes
from images work.
"""
from cinder.tests import fake_driver


class DevcloudFakeVolumeDriver(fake_driver.FakeLoggingVolumeDriver):
    def copy_image_to_volume(self, context, volume, image_service, image_id):
        pass

    def copy_volume_to_image(self, context, volume, image_service, image_meta):
        pass

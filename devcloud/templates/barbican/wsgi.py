# Rendered by devcloud: barbican's own wsgi script hardcodes /etc/barbican/barbican-api-paste.ini.
from paste import deploy
application = deploy.loadapp('config:{{DEBS_X}}/usr/share/barbican-common/barbican-api-paste.ini')

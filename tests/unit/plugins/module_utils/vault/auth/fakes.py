"""What the auth method tests share: a token value and a stand-in for VaultClient."""

SECRET = "s.SECRET-TOKEN-VALUE"


class RecordingClient(object):
    """Stands in for VaultClient to see what a method would send (the methods are pure apart from that)."""

    def __init__(self):
        self.logins = []
        self.token = None

    def login(self, mount, data):
        self.logins.append((mount, data))

    def set_token(self, value):
        self.token = value

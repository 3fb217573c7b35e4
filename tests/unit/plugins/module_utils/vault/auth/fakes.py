"""What the auth method tests share: a token value. The client they log in with is the one Vault
fake, ``FakeVaultApi`` of ``vault/fakes.py``, which records each login."""

SECRET = "s.SECRET-TOKEN-VALUE"

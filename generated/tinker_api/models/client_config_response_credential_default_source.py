from enum import StrEnum


class ClientConfigResponseCredentialDefaultSource(StrEnum):
    API_KEY = "api_key"
    CREDENTIAL_CMD = "credential_cmd"

    def __str__(self) -> str:
        return str(self.value)

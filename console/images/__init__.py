"""The Images feature: the image library page, the upload/download/OVA dialogs, the transfer
driver and the transfers panel (console.images.feature registers them)."""

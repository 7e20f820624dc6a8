"""Client layer shared by the console and quantixctl: channels and typed async wrappers."""

"""What travels on the wire, shared by both servers and every client: the codec between the
protobuf messages and the domain's objects, and the trailing-metadata keys and their reader."""

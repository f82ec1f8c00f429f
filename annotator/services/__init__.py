"""Qt-free services: importing documents and other work the GUI and CLI share."""

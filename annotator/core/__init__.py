"""Qt-free domain: entities, identifiers, errors and text helpers."""

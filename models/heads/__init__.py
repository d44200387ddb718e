"""The heads a backbone can carry: ``loc`` (class + box), ``grid`` (YOLO-style), ``seg`` (FCN-8s mask)."""

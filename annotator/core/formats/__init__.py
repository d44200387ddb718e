"""Import/export of annotation formats other than Pascal VOC."""

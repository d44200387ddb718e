"""TensorFlow/Keras models: backbones, heads, losses, data pipeline, training, metrics, prediction, worker.

Importing this package must stay cheap: TensorFlow is imported by the submodules that need it, never here.
Never imports Qt. May import `annotator.core`.
"""

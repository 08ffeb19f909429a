"""The anonymisation guard, on the ground floor: detection (pure text, detection.py) and the
wrapper every writing domain applies before it saves (service.py) or shows a form again
(forms.py). It imports no domain."""

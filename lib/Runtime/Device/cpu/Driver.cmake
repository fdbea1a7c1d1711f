# The cpu driver: devices made of host cores.
list(APPEND WEFT_DEVICE_DRIVER_SOURCES cpu/CPUDevice.cpp)
list(APPEND WEFT_DEVICE_DRIVER_REGISTRARS registerCPUDeviceDriver)
